# dataclass-slots: @dataclass(slots=True) Point3D(1, 2, 3): the layout of
# `slots`, made by dataclasses (3.10+).

import sys

from _objmem import Skip

DESCRIPTION = 'dataclasses.dataclass(slots=True) Point3D(x, y, z) = (1, 2, 3)'


def setup():
    if sys.version_info < (3, 10):
        raise Skip('dataclass(slots=True) needs Python 3.10')
    try:
        import dataclasses
    except ImportError:
        raise Skip('dataclasses not available')
    Point3D = dataclasses.make_dataclass('Point3D', ['x', 'y', 'z'], slots=True)
    return lambda i: Point3D(1, 2, 3)
