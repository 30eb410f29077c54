"""The one home of each small helper the apps share (absolute URLs, client address, HTML as text).

Every app may import from here; nothing here imports an app.
"""
