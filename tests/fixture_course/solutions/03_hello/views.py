from django.http import HttpResponse


def hello(request):
    return HttpResponse(f"Hello, {request.GET.get('name', 'world')}!")
