# dict: a plain dict {'x': 1, 'y': 2, 'z': 3} per object (a dict display is
# always built at run time; the keys are shared interned strings).

DESCRIPTION = "dict {'x': 1, 'y': 2, 'z': 3}"


def setup():
    return lambda i: {'x': 1, 'y': 2, 'z': 3}
