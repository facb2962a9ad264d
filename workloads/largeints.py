# largeints: the slots class holding three distinct ints above 2**40, made
# per object (b = 2**40 + 3*i; P(b, b+1, b+2)), so every object brings
# three new int objects and the ints are counted too.  (PyPy can store ints
# unboxed in the instance: it may cost no more than `slots` there.)

DESCRIPTION = 'slots class holding three new ints above 2**40 per object'

BASE = 2 ** 40


class Point3DSlots(object):
    __slots__ = ('x', 'y', 'z')

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


def make(i):
    b = BASE + 3 * i
    return Point3DSlots(b, b + 1, b + 2)


def setup():
    return make
