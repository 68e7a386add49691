"""linepack.io"""
