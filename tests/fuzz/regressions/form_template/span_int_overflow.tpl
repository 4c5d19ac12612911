page l
cell span=1e10
