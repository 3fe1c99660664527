"""Partnership Monitor: is the crime prevention partnership still working?"""

__version__ = "0.1.0"
