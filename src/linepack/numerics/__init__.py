"""linepack.numerics"""
