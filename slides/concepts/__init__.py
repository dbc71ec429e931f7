"""Short concept decks, one scene per concept, with every number computed by torch."""
