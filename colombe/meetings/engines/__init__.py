"""Video engines behind one protocol (``base.Engine``); ``get_engine`` picks a meeting's."""
