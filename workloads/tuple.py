# tuple: a plain (1, 2, 3) built per object.  A literal (1, 2, 3) would be
# one constant that every slot shares (0 bytes each), so the tuple is built
# from variables the compiler cannot fold.

DESCRIPTION = 'tuple (1, 2, 3), built per object'


def setup():
    x, y, z = 1, 2, 3
    return lambda i: (x, y, z)
