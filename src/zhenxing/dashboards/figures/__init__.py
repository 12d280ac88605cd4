"""The dashboard figures: `base` says what a figure is; each other module registers its own (catalogue.py
imports them all and orders them)."""
