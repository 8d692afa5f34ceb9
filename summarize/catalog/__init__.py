"""What models exist and where their files are: the cards, the hub and the local folders, the
conversions made of them."""
