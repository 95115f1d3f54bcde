"""pixelaudit: audit what a web page or e-mail tracks, as a typical visitor's browser sees it."""

__version__ = "0.1.0"
