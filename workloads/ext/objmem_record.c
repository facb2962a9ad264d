/*
 * objmem_record.c - the `record` workload's compact mutable record.
 *
 * A type Record(x, y, z) with three object fields and no
 * Py_TPFLAGS_HAVE_GC, like recordclass's dataobject: an instance is
 * PyObject_HEAD plus three pointers (16 + 3 * 8 = 40 bytes on a 64-bit
 * default build) and has no GC header in front of it.  The price is that
 * reference cycles through a Record are never collected; the benchmark
 * stores only ints in it.
 *
 * Built per interpreter by `workloads/agent.py prepare record` against
 * CPython 2.7 and 3.6 to 3.14 headers, debug and free-threaded builds
 * included; it must compile cleanly with -Wall -Wextra -Werror.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>

#if PY_VERSION_HEX < 0x030C0000
#include <structmember.h>
#define Py_T_OBJECT_EX T_OBJECT_EX
#endif

typedef struct {
	PyObject_HEAD
	PyObject *x;
	PyObject *y;
	PyObject *z;
} Record;

static PyObject *Record_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
	PyObject *x = Py_None, *y = Py_None, *z = Py_None;
	Record *self;

	if (kwds != NULL && PyDict_Size(kwds) != 0) {
		PyErr_SetString(PyExc_TypeError,
				"Record() takes positional arguments only");
		return NULL;
	}
	if (!PyArg_UnpackTuple(args, "Record", 0, 3, &x, &y, &z))
		return NULL;
	self = (Record *)type->tp_alloc(type, 0);
	if (self == NULL)
		return NULL;
	Py_INCREF(x);
	self->x = x;
	Py_INCREF(y);
	self->y = y;
	Py_INCREF(z);
	self->z = z;
	return (PyObject *)self;
}

static void Record_dealloc(PyObject *op)
{
	Record *self = (Record *)op;

	Py_CLEAR(self->x);
	Py_CLEAR(self->y);
	Py_CLEAR(self->z);
	Py_TYPE(op)->tp_free(op);
}

/* PyMemberDef.name is `char *` before 3.7: the casts keep -Wwrite-strings quiet. */
static PyMemberDef Record_members[] = {
	{(char *)"x", Py_T_OBJECT_EX, offsetof(Record, x), 0, NULL},
	{(char *)"y", Py_T_OBJECT_EX, offsetof(Record, y), 0, NULL},
	{(char *)"z", Py_T_OBJECT_EX, offsetof(Record, z), 0, NULL},
	{NULL, 0, 0, 0, NULL}
};

static PyTypeObject Record_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "objmem_record.Record",
	.tp_basicsize = sizeof(Record),
	.tp_itemsize = 0,
	.tp_dealloc = Record_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,	/* no Py_TPFLAGS_HAVE_GC: no GC header */
	.tp_doc = "Record(x, y, z): three object fields, no GC header",
	.tp_members = Record_members,
	.tp_new = Record_new,
};

#if PY_MAJOR_VERSION >= 3
static struct PyModuleDef objmem_record_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "objmem_record",
	.m_doc = "objmem's compact record type (no GC header)",
	.m_size = -1,
};

PyMODINIT_FUNC PyInit_objmem_record(void);

PyMODINIT_FUNC PyInit_objmem_record(void)
{
	/* Through a PyObject * variable: 2.7's Py_INCREF(&Record_Type) trips
	 * -Wstrict-aliasing. */
	PyObject *type = (PyObject *)&Record_Type;
	PyObject *m;

	if (PyType_Ready(&Record_Type) < 0)
		return NULL;
	m = PyModule_Create(&objmem_record_module);
	if (m == NULL)
		return NULL;
#ifdef Py_GIL_DISABLED
	/* Safe without the GIL: keep a free-threaded build free-threaded. */
	PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED);
#endif
	Py_INCREF(type);
	if (PyModule_AddObject(m, "Record", type) < 0) {
		Py_DECREF(type);
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
#else
PyMODINIT_FUNC initobjmem_record(void);

PyMODINIT_FUNC initobjmem_record(void)
{
	/* Through a PyObject * variable: 2.7's Py_INCREF(&Record_Type) trips
	 * -Wstrict-aliasing. */
	PyObject *type = (PyObject *)&Record_Type;
	PyObject *m;

	if (PyType_Ready(&Record_Type) < 0)
		return;
	m = Py_InitModule3("objmem_record", NULL,
			   "objmem's compact record type (no GC header)");
	if (m == NULL)
		return;
	Py_INCREF(type);
	PyModule_AddObject(m, "Record", type);
}
#endif
