"""zhifa: unified administrative enforcement platform (大综合一体化行政执法)."""
