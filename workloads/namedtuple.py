# namedtuple: collections.namedtuple('Point3D', 'x y z')(1, 2, 3): a tuple
# subclass, so GC header, object header, ob_size and three item pointers.

from _objmem import Skip

DESCRIPTION = "collections.namedtuple('Point3D', 'x y z')(1, 2, 3)"


def setup():
    try:
        from collections import namedtuple
    except ImportError:
        raise Skip('collections.namedtuple not available')
    Point3D = namedtuple('Point3D', 'x y z')
    return lambda i: Point3D(1, 2, 3)
