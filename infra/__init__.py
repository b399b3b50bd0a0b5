"""Deploying loket to AWS: the merge template, the package build, and the checks on both.

`python -m infra.package` (`make package`) is the entry point; docs/DEPLOY.md says how to
deploy what it writes under dist/.
"""
