"""What runs where, below the catalog and the engines: the table of engines and runtimes, the
CPU's class and the runtimes measured fastest on it, and the checks of weight files as they load."""
