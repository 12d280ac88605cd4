"""zhenxing (振兴): the platform on which 大理白族自治州 runs its plan to keep households out of poverty."""

__version__ = "0.1.0"
