"""The web app (issue 6): server-rendered pages and a REST API under ``/api/v1``, on the CLI's services and storage.

FastAPI is imported only here (about 0.5 s), so only ``iotprofile serve`` pays for it. Build the app with
:func:`iotprofile.web.app.create_app`.
"""
