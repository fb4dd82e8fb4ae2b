"""`faracore`: the product's first name, kept as an alias of `faramesh` so the FaraCore README's imports work."""

from faramesh import *  # noqa: F401,F403
from faramesh import __all__, __version__  # noqa: F401
