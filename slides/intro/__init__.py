"""The short tour deck: what the course decks are and how to drive them."""
