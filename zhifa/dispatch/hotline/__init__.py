"""12345 hotline work-order import (xlsx / csv), all rows or none."""
