page l
text h=nan size=inf "x"
