# slots: Point3D with __slots__ = ('x', 'y', 'z'): the object header, the GC
# header and three pointers, no __dict__ or __weakref__ (56 bytes from
# sys.getsizeof on 3.8+, 64 once pymalloc rounds it up).

import sys

DESCRIPTION = "class Point3DSlots with __slots__ = ('x', 'y', 'z') = (1, 2, 3)"


class Point3DSlots(object):
    __slots__ = ('x', 'y', 'z')

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


def setup():
    impl = getattr(sys, 'implementation', None)
    if impl is not None and impl.name == 'micropython':
        return (lambda i: Point3DSlots(1, 2, 3)), '__slots__ ignored on micropython'
    return lambda i: Point3DSlots(1, 2, 3)
