"""Partnership Monitor dashboard: `streamlit run app.py`."""

import streamlit as st

from monitor import ui

st.set_page_config(page_title="Partnership Monitor", page_icon=":handshake:", layout="wide")

ui.start_app()

pages = {
    "Monitor": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/trends.py", title="Trends", icon=":material/show_chart:"),
        st.Page("pages/partners.py", title="Partners and power", icon=":material/groups:"),
    ],
    "Data": [
        st.Page("pages/upload.py", title="Upload", icon=":material/upload_file:"),
        st.Page("pages/data.py", title="Data", icon=":material/table:"),
    ],
}
st.navigation(pages).run()
