"""The Flask app and channel adapters (WeChat, SMS), and the ``xinfang`` command line."""
