"""linepack.results"""
