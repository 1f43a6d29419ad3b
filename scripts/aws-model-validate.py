#!/usr/bin/env python3
"""Command-line entry of scripts/aws_model_validate.py, whose docstring explains the use:

    scripts/aws-model-validate.py [--input | --error] OPERATION BODY.json
    scripts/aws-model-validate.py --self-test
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_model_validate import main  # noqa: E402

sys.exit(main())
