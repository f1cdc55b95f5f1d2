def hello(request):
    raise NotImplementedError
