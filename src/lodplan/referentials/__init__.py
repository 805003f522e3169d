"""Official referentials lodplan ships as data (see the top-level ``referentials/`` folder).

They are derived offline by the scripts in ``tools/``; at run time lodplan only
reads the derived files, without network.
"""
