"""Scheme workbooks (考评表): the model here, the validating reader in `famscore.scheme.loader`."""

from famscore.scheme.model import Band, Category, Field, Item, Scheme, Settings

__all__ = ["Band", "Category", "Field", "Item", "Scheme", "Settings"]
