"""Offline validation tools for deploy/: promtool, kubeconform, kustomize and the schemas they check against.

Everything is built or converted from packages of the registries this project uses (the Go module proxy,
PyPI, Maven Central), pinned in :mod:`deploy_check.pins`, into a cache outside the clone
(``$VSM_TOOLS_CACHE``, default ``~/.cache/vsm/deploy-tools``). ``python -m deploy_check.install`` (run by
``make test``) brings what is missing and skips what is there; the tests call the same code, so nothing
is fetched while a test validates.
"""
