"""The radio's streaming chain, outside Django: Icecast serves listeners, Liquidsoap makes
the programme. This package writes their configuration from Colombe's settings
(``config``), the files Liquidsoap plays from (``playlist``), and reads back what Icecast
reports (``icecast``)."""
