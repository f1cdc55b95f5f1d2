"""The library app: the models of the DRF track (given) and this exercise's API."""
