"""Writers turn a CourseResult into one output format each; they know nothing of pytest."""
