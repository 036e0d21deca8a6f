"""The CSR design matrices give what scipy.sparse gives for the same data."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import scipy.sparse

from labelpool.aggregation._design import CsrMatrix, Design
from labelpool.aggregation.encoding import categorical_data


def test_products_match_scipy_sparse_with_duplicates_and_empty_rows():
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 50, 400)
    rows[rows == 7] = 8  # row 7 stays empty
    cols = rng.integers(0, 30, 400)
    values = rng.random(400)
    ours = CsrMatrix.from_coordinates((50, 30), rows, cols, values)
    theirs = scipy.sparse.csr_matrix((values, (rows, cols)), shape=(50, 30))
    dense = rng.random((30, 4))
    np.testing.assert_allclose(ours @ dense, theirs @ dense, rtol=1e-12)
    back = rng.random((50, 3))
    np.testing.assert_allclose(ours.transpose() @ back, theirs.T @ back, rtol=1e-12)
    assert len(ours.data) == theirs.nnz  # duplicates summed into one entry
    assert np.all((ours @ dense)[7] == 0)


def test_design_counts_answers_per_item_and_cell():
    data = categorical_data([0, 1, 1, 0, 2], [0, 0, 1, 1, 1], [1, 0, 0, 1, 1])
    design = Design(data)
    np.testing.assert_array_equal(design.vote_counts(), [[1, 1], [1, 2]])
    cells = design.cell_sums(np.array([[1.0, 0.0], [0.0, 1.0]]))  # rows: (worker, answer)
    np.testing.assert_array_equal(cells, [[0, 0], [1, 1], [1, 1], [0, 0], [0, 0], [0, 1]])


def test_kernels_coexist_with_a_later_import_of_scipy_sparse():
    script = (
        "import sys\n"
        "from labelpool.aggregation import dawid_skene\n"
        "r1 = dawid_skene([0, 1, 2, 0, 1], [0, 0, 0, 1, 1], [1, 1, 0, 0, 0])\n"
        "assert 'scipy.sparse' not in sys.modules, 'scipy.sparse imported'\n"
        "import scipy.sparse\n"
        "m = scipy.sparse.csr_matrix(([1.0, 2.0], ([0, 1], [1, 0])), shape=(2, 2))\n"
        "assert (m @ [[1.0], [1.0]]).tolist() == [[1.0], [2.0]]\n"
        "r2 = dawid_skene([0, 1, 2, 0, 1], [0, 0, 0, 1, 1], [1, 1, 0, 0, 0])\n"
        "assert r1.labels.tolist() == r2.labels.tolist() == [1, 0]\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.stdout.strip() == "ok", proc.stderr
