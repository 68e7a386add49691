"""linepack.report"""
