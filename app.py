"""Partnership Monitor dashboard: `streamlit run app.py`."""

import streamlit as st

from monitor import ui

st.set_page_config(page_title="Partnership Monitor", page_icon=":handshake:", layout="wide")

ui.start_app()
ui.navigation().run()
ui.share_link()
ui.report_downloads()
