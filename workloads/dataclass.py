# dataclass: @dataclass class Point3D with x, y, z = 1, 2, 3; the same
# layout as point3d.  Made with make_dataclass so this file still parses on
# 2.7 (no annotations).

from _objmem import Skip

DESCRIPTION = 'dataclasses.dataclass Point3D(x, y, z) = (1, 2, 3)'


def setup():
    try:
        import dataclasses
    except ImportError:
        raise Skip('dataclasses need Python 3.7')
    Point3D = dataclasses.make_dataclass('Point3D', ['x', 'y', 'z'])
    return lambda i: Point3D(1, 2, 3)
