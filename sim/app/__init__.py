"""The planner's web app (``acutesim app``): :mod:`sim.app.logic` holds what it does, testable without
Streamlit; :mod:`sim.app.maps` draws the offline map; ``page.py`` is the Streamlit page."""
