def add(a, b):
    raise NotImplementedError


def mul(a, b):
    raise NotImplementedError


def total(items):
    raise NotImplementedError
