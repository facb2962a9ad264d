# point3d: a plain class, Point3D(1, 2, 3).  Measures the instance plus
# wherever its attributes live: a __dict__ on 2.7 to 3.10, inline values
# (no dict until __dict__ is asked for) on 3.11+, a map on PyPy.  1, 2, 3
# are cached small ints, so no int objects are counted.

DESCRIPTION = 'plain class Point3D(x, y, z) = (1, 2, 3), attributes in a __dict__'


class Point3D(object):
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


def setup():
    return lambda i: Point3D(1, 2, 3)
