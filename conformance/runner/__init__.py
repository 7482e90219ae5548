"""Running a case: fixture data on the target, template filling, steps and checks."""
