"""linepack.physics"""
