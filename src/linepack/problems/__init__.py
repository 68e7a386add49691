"""linepack.problems"""
