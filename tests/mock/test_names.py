"""The mock names each operation as the generated client does.

The mock cannot use the generator (it is not installed with the ``mock`` extra), so it has its
own ``snake_case``; here it must agree with the generator's on every operation of the spec.
"""

from __future__ import annotations

from arize_api.mock.spec import snake_case as mock_snake_case
from tests.support import spec as spec_support


def test_the_mock_names_every_operation_as_the_generator_does() -> None:
    operations = spec_support.operations()
    assert len(operations) > 100
    for op in operations:
        assert mock_snake_case(op.operation_id) == spec_support.snake_case(op.operation_id)
