"""dlnotes: the Deep Learning Specialization (Courses 1-2) rebuilt as a tested NumPy package.

The public API is listed in ``__all__`` below, module by module.
"""

__version__ = "0.1.0"
