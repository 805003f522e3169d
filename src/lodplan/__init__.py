"""lodplan: Linked Open Data publishing toolkit for territorial strategy plans."""

__version__ = "0.1.0"
