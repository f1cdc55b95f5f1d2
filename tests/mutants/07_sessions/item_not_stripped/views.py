"""Wrong: the item name is checked with strip() but stored as sent, so ' apple ' and 'apple' are two items. Caught by: test_item_names_are_stripped."""

from __future__ import annotations

from django.http import HttpResponseNotAllowed, JsonResponse

# Given: the users of this little shop and their passwords (a real site stores hashes).
USERS = {"alice": "wonderland", "bob": "builder"}


def add_to_cart(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    item = request.POST.get("item", "")
    if not item.strip():
        return JsonResponse({"error": "send a non-empty 'item' field"}, status=400)
    # A copy, changed, then assigned back: assigning is what marks the session modified.
    # (Changing the stored dict in place would not, and the middleware would not save it.)
    cart = dict(request.session.get("cart", {}))
    cart[item] = cart.get(item, 0) + 1
    request.session["cart"] = cart
    return JsonResponse({"cart": cart})


def show_cart(request):
    return JsonResponse(
        {"user": request.session.get("user"), "cart": request.session.get("cart", {})}
    )


def login_view(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    username = request.POST.get("username", "")
    password = request.POST.get("password", "")
    if username not in USERS or USERS[username] != password:
        return JsonResponse({"error": "wrong user name or password"}, status=401)
    # Against session fixation: a key someone planted before login (or saw) becomes worthless.
    # cycle_key() moves the data (the cart) to a new random key and deletes the old row.
    request.session.cycle_key()
    request.session["user"] = username
    return JsonResponse({"user": username})


def logout_view(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    # flush(): empty the data, delete the row, forget the key. The middleware then deletes
    # the cookie, because the session came with a cookie and is now empty.
    request.session.flush()
    return JsonResponse({"user": None})
