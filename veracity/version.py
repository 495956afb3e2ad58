"""The version of veracity, in a module of its own so that any module can read it without importing the package
root (which would put every module that names the version in one import circle with the engine)."""

__version__ = "0.2.0"
