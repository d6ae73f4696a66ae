"""Local, cross-lingual, cited question answering over the JST CRDS nanotech/materials report."""

from .engine import Engine
from .settings import Settings, load_settings

__all__ = ["Engine", "Settings", "load_settings"]
__version__ = "0.1.0"
