"""Partnership Monitor dashboard: `streamlit run app.py`."""

import streamlit as st

from monitor import dashboard

st.set_page_config(page_title="Partnership Monitor", page_icon=":handshake:", layout="wide")

dashboard.start_app()
dashboard.run_page(dashboard.navigation())
dashboard.share_link()
dashboard.report_downloads()
