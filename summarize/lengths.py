"""The summary lengths a job may ask for by name, read by the options, the cards and the engines."""

#: Sentences a summary of each preset length has (extractive and chat summarisers; the neural
#: sequence-to-sequence ones read their card's settings for the preset).
LENGTH_SENTENCES = {"short": 1, "medium": 3, "long": 5}
